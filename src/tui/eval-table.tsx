// The live table of `groundcam eval`: one column per run, one row per metric, fitting 80×24.
import { Box, Text } from 'ink';
import { formatCell, formatProgress, formatSpeed, METRIC_LABELS, TABLE_METRICS, type RunView } from './run-view.js';

export interface EvalTableProps {
  title: string;
  runs: RunView[];
  /** Terminal width; columns shrink to fit. */
  width?: number;
}

const LABEL_WIDTH = 16;

export function EvalTable({ title, runs, width = 80 }: EvalTableProps) {
  const colWidth = Math.max(14, Math.min(28, Math.floor((width - LABEL_WIDTH - 1) / Math.max(1, runs.length))));
  const barWidth = Math.max(4, colWidth - 12);
  const cell = (text: string, dim = false) => (
    <Box width={colWidth}>
      <Text dimColor={dim} wrap="truncate-end">
        {text}
      </Text>
    </Box>
  );
  const row = (label: string, texts: string[], key: string, dims?: boolean[]) => (
    <Box key={key}>
      <Box width={LABEL_WIDTH}>
        <Text bold wrap="truncate-end">
          {label}
        </Text>
      </Box>
      {texts.map((t, i) => (
        <Box key={i}>{cell(t, dims?.[i])}</Box>
      ))}
    </Box>
  );
  const pending = runs.map((r) => r.status === 'pending');
  const notes = runs.filter((r) => r.note).map((r) => `${r.label}: ${r.note}`);
  return (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      <Box>
        <Box width={LABEL_WIDTH}>
          <Text> </Text>
        </Box>
        {runs.map((r, i) => (
          <Box key={i} width={colWidth}>
            <Text color="cyan" bold wrap="truncate-end">
              {r.label}
            </Text>
          </Box>
        ))}
      </Box>
      {row('progress', runs.map((r) => formatProgress(r, barWidth)), 'progress', pending)}
      {TABLE_METRICS.map((m) => row(METRIC_LABELS[m], runs.map((r) => formatCell(m, r.metrics[m])), m, pending))}
      {row('errors/invalid', runs.map((r) => `${r.errors} / ${r.invalid}`), 'errors', pending)}
      {row('speed', runs.map((r) => formatSpeed(r)), 'speed', pending)}
      <Text dimColor>± 95% CI · * WDP uses groundcam's normalisation, not the paper's scale</Text>
      {notes.map((n, i) => (
        <Text key={i} color="yellow" wrap="truncate-end">
          {n}
        </Text>
      ))}
    </Box>
  );
}
