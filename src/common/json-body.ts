// An HTTP answer's body read as JSON the way Octokit reads one: only when the content type says
// JSON, and a body that does not parse is handed on as its text.

/** The parsed body, or undefined where Octokit would hand on the text. */
export function parsedJsonBody(text: string, contentType: string | null | undefined): { value: unknown } | undefined {
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType?.trim() ?? '')) return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}
