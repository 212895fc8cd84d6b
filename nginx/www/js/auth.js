// Stub so the shell loads before ui-console's auth lands: nobody is signed in.
// ui-console replaces this file (contract: /work/briefs/ui-contract.md, issue 17).
export async function accessToken() {
  return null;
}
export async function refresh() {
  throw new Error("not signed in");
}
export function currentUser() {
  return null;
}
export function onAuthChange() {}
export async function restore() {}
