// Fan pages (no sign-in needed): events list, event, team and game pages.
import {eventPage} from "./event.js";
import {eventsPage} from "./events.js";
import {gamePage} from "./game.js";
import {teamPage} from "./team.js";

export function register(route) {
  route("/", eventsPage);
  route("/events/:slug", eventPage);
  route("/events/:slug/teams/:team_id", teamPage);
  route("/games/:id", gamePage);
}
