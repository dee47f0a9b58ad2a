import type { HelpSegment } from "../api/help";

/** Text from the search, its matched words highlighted (plain text, never HTML). */
export function Segments({ segments }: { segments: readonly HelpSegment[] }) {
  return (
    <>
      {segments.map((segment, index) =>
        segment.highlight ? <mark key={index}>{segment.text}</mark> : <span key={index}>{segment.text}</span>,
      )}
    </>
  );
}
