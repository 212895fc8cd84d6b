// Stub so the shell loads; ui-console replaces it with the admin pages (issue 17).
export function register(_route) {}
