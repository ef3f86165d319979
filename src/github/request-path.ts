// Where a request goes, for telling GraphQL from REST: on GitHub Enterprise the GraphQL URL
// arrives absolute (`https://host/api/graphql`), on github.com as `/graphql`: the path decides.

export function pathOf(url: string): string {
  return new URL(url, 'https://api.github.invalid').pathname;
}

export function isGraphqlPath(path: string): boolean {
  return /\/graphql$/.test(path);
}
