// A module of its own (no Node imports), so that code meant for browsers too (./msw.js) can take it.

/** The header that names the namespace every vendor and control call acts in (`default` when absent). */
export const NAMESPACE_HEADER = "x-understudy-namespace";
