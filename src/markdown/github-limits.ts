// GitHub refuses an issue, pull-request or comment body over 65,536 characters (422), and then the
// maintainer is told nothing. Every body pinwarden writes goes through here: cut at a line, with
// the cut said, so the write always goes through. Pure.

/** What GitHub accepts in an issue, pull-request or comment body. */
export const BODY_LIMIT = 65_536;

export function withinBodyLimit(body: string, limit = BODY_LIMIT): string {
  if (body.length <= limit) return body;
  const notice = (left: number) =>
    `\n\n… cut here: GitHub takes at most ${limit.toLocaleString('en')} characters in a body, so the last ${left.toLocaleString('en')} were left out.`;
  const room = limit - notice(body.length).length;
  // A whole line, when one ends near the cut; else the cut falls inside the line (never inside a surrogate pair).
  const newline = body.lastIndexOf('\n', room);
  let end = newline > room - 2_000 ? newline : room;
  if (/[\uD800-\uDBFF]/.test(body[end - 1] ?? '')) end -= 1;
  return `${body.slice(0, end)}${notice(body.length - end)}`;
}
