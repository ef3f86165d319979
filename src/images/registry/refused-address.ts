// The address guard's refusal, apart from the guard itself: the registry clients recognise it
// without loading undici, which only the App's guarded fetch needs (a command-line run never does).

/** The guard refused to connect: nothing was sent. */
export class RefusedAddressError extends Error {}
