// Stub so the shell loads; ui-console replaces it with the account pages (issue 17).
export function register(_route) {}
