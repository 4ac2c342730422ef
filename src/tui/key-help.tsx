// The two bottom lines: a status line (a message if there is one, then the sort and filters; or the
// search being typed), then the keys.
import { Text } from 'ink';

export interface KeyHelpProps {
  width: number;
  compare: boolean;
  searching: boolean;
  search: string;
  /** The sort and filters (describeView). */
  view: string;
  message: string | null;
}

/** The key line: the most used keys, fitting 80 columns. */
export function keyLine(compare: boolean): string {
  const keys = ['↑↓ move', '1-9 sort', 'm miss', 'u unc', 'x inv', ...(compare ? ['d diff'] : []), '/ find', 'w png', '? help', 'q quit'];
  return keys.join('  ');
}

export function KeyHelp({ width, compare, searching, search, view, message }: KeyHelpProps) {
  return (
    <>
      {searching ? (
        <Text color="cyan" wrap="truncate-end">{`/${search}▌  (Enter keeps, Esc cancels)`}</Text>
      ) : (
        <Text wrap="truncate-end">
          {message ? <Text color="yellow">{`${message} · `}</Text> : null}
          <Text color="green">{view}</Text>
        </Text>
      )}
      <Text dimColor wrap="truncate-end">
        {keyLine(compare).slice(0, width)}
      </Text>
    </>
  );
}
