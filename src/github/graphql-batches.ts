// What every batched GraphQL reader of pinwarden's does the same way: split the questions into
// queries of a fixed size, and keep what GitHub did answer when it answered only in part.

export interface GraphqlClient {
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
}

/** Octokit throws on a partial answer (a missing repository), but keeps what did come back. */
export async function partial<T>(
  client: GraphqlClient,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T | undefined> {
  try {
    return await client.graphql<T>(query, variables);
  } catch (error) {
    return (error as { data?: T }).data;
  }
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
