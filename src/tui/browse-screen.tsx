// The browse app sized to the terminal, following its resizes.
import { useStdout } from 'ink';
import { useEffect, useState } from 'react';
import { BrowseApp, type BrowseAppProps } from './browse-app.js';

export function BrowseScreen(props: Omit<BrowseAppProps, 'width' | 'height'>) {
  const { stdout } = useStdout();
  const size = () => ({ width: stdout.columns || 80, height: stdout.rows || 24 });
  const [{ width, height }, setSize] = useState(size);
  useEffect(() => {
    const onResize = () => setSize(size());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return <BrowseApp {...props} width={width} height={height} />;
}
