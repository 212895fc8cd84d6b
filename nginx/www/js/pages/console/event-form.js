// The fields of an event (create and edit share them), the body they make,
// and the choices of docs/tournaments.md.
import {h} from "../../dom.js";
import {field, selectField, value, intValue} from "./ui.js";

export const FORMATS = [
  ["round_robin", "Round robin"],
  ["double_round_robin", "Double round robin"],
  ["single_elimination", "Single elimination (knockout)"],
];
export const TIEBREAKERS = ["points", "goal_difference", "goals_for", "goals_against", "head_to_head", "wins", "away_goals_for"];
export const DEFAULT_TIEBREAKERS = ["points", "goal_difference", "goals_for", "head_to_head"];

// The tiebreakers typed as "points, goal_difference" → ["points", "goal_difference"].
export function parseTiebreakers(text) {
  return text
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter(Boolean);
}

// The fields an event form shares between create and edit; ev fills them.
export function eventFields(ev) {
  const points = (ev && ev.points) || {win: 3, draw: 1, loss: 0};
  return [
    field("Name", {name: "name", required: true, maxlength: "200", value: ev ? ev.name : ""}),
    field("Sport", {name: "sport", required: true, maxlength: "50", value: ev ? ev.sport : "football"}),
    selectField("Format", "format", FORMATS, ev ? ev.format : "round_robin", {
      hint: ev ? "Changes only while the event has no games." : null,
    }),
    h(
      "div",
      {class: "row"},
      field("Starts on", {name: "starts_on", type: "date", required: true, value: ev ? ev.starts_on : ""}),
      field("Ends on", {name: "ends_on", type: "date", value: ev && ev.ends_on ? ev.ends_on : ""}),
    ),
    field("Time zone", {name: "time_zone", value: ev ? ev.time_zone : "UTC", autocomplete: "off", list: "time-zones"}, {
      hint: "An IANA name such as Europe/London; games are shown in it.",
    }),
    timeZoneList(),
    h(
      "fieldset",
      {class: "row"},
      h("legend", null, "Points"),
      field("Points for a win", {name: "points_win", type: "number", inputmode: "numeric", min: "-100", max: "100", value: String(points.win)}),
      field("Points for a draw", {name: "points_draw", type: "number", inputmode: "numeric", min: "-100", max: "100", value: String(points.draw)}),
      field("Points for a loss", {name: "points_loss", type: "number", inputmode: "numeric", min: "-100", max: "100", value: String(points.loss)}),
    ),
    field("Tiebreakers", {name: "tiebreakers", value: (ev ? ev.tiebreakers : DEFAULT_TIEBREAKERS).join(", "), autocomplete: "off"}, {
      hint: `In order, separated by commas; the team name always decides last. Choices: ${TIEBREAKERS.join(", ")}.`,
    }),
  ];
}

// Suggestions for the time zone field: the browser's IANA names (the server
// checks the name against PostgreSQL's list).
function timeZoneList() {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return h("datalist", {id: "time-zones"}, ["UTC", ...zones.filter((z) => z !== "UTC")].map((z) => h("option", {value: z})));
}

// The body of an event form (create or PATCH).
export function eventBody(form) {
  const body = {
    name: value(form, "name"),
    sport: value(form, "sport"),
    format: value(form, "format"),
    starts_on: value(form, "starts_on"),
    ends_on: value(form, "ends_on") || null,
    time_zone: value(form, "time_zone") || "UTC",
    points: {win: intValue(form, "points_win"), draw: intValue(form, "points_draw"), loss: intValue(form, "points_loss")},
    tiebreakers: parseTiebreakers(value(form, "tiebreakers")),
  };
  return body;
}

export const EVENT_ALIASES = {points: "points_win", "points.win": "points_win", "points.draw": "points_draw", "points.loss": "points_loss"};
