// The ink app of `groundcam eval`: subscribes to progress and redraws the table.
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';
import { EvalTable } from './eval-table.js';
import type { RunView } from './run-view.js';

export interface ProgressSource {
  subscribe(listener: (views: RunView[]) => void): () => void;
}

export function EvalApp({ title, source }: { title: string; source: ProgressSource }) {
  const [views, setViews] = useState<RunView[]>([]);
  const { stdout } = useStdout();
  useEffect(() => source.subscribe(setViews), [source]);
  return <EvalTable title={title} runs={views} width={stdout.columns || 80} />;
}
