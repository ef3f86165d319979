// How many batched read queries one installation's wave keeps in flight: its repositories' reads,
// their trees. The reads wait on latency, not on GitHub; Octokit's throttling still holds (ten at
// once an installation; queries 30 ms of GitHub time apart). Eight, not four: 10,000 repositories
// with images, 45.9 -> 35.3 s wall (BENCHMARKS.md).
export const READ_CONCURRENCY = 8;
