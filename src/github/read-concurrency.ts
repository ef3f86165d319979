// How many batched read queries one installation's wave keeps in flight: its repositories' reads,
// their trees. The reads wait on latency, not on GitHub; Octokit's throttling still holds.
export const READ_CONCURRENCY = 4;
