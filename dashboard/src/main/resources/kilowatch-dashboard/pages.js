// The page registry: every view of the dashboard registers here, and the router asks it which view a
// location's hash shows. A new view is one module that calls register() and is imported by app.js.
//
// A view is an object with
//   name         its section is #view-<name>; its nav link [data-nav=<name>] unless nav says another
//   pattern      a RegExp on location.hash; its groups become route.params (patterns must not overlap)
//   render(route, latest)   draws the view: on entering it and on every live update, once one has come
//   standalone   true: the view reads its own data, so render() need not wait for the first live update
//   enter(route)            optional: on entering, instead of render()
//   update(route, latest, first)  optional: on a live update, instead of render(); first: the stream's first
//   mount()      optional: once at start, to wire the view's own controls
// Every route is a new object, so a view can tell a new visit from a live update by identity.

const views = [];
const HOME = "overview";

export function register(view) {
  views.push(view);
}

export function resolve(hash) {
  for (const view of views) {
    const match = view.pattern && hash.match(view.pattern);
    if (match) return { view, params: match.slice(1), hash };
  }
  return { view: views.find((v) => v.name === HOME), params: [], hash };
}

export function mountAll() {
  for (const view of views) if (view.mount) view.mount();
}
