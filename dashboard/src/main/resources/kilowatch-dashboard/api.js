// The collector's REST API as the dashboard reads and changes it.

let loggedOut = () => {};

// What to do when a read finds the session over (the app shows the login form).
export function onLoggedOut(handler) {
  loggedOut = handler;
}

export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (response.status === 401) {
    loggedOut();
    throw new Error("logged out");
  }
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

// A read whose failure the page shows in its own way: null instead of an error.
export const getJsonOrNull = (path) => getJson(path).catch(() => null);

// A change: the collector's CSRF guard wants X-Requested-With on every change made with the session cookie.
// Resolves to null once done, or to the collector's reason for refusing it.
export async function send(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: Object.assign({ "X-Requested-With": "kilowatch" }, body ? { "Content-Type": "application/json" } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.ok) return null;
  return (await response.json().catch(() => ({ error: "HTTP " + response.status }))).error;
}
