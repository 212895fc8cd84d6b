// Fan pages (no sign-in needed): events list, event, team and game pages.
import {h} from "../../dom.js";

export function register(route) {
  route("/", async ({main}) => {
    main.append(h("h1", null, "Events"), h("p", null, "Loading events…"));
  });
}
