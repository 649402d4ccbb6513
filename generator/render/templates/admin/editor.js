/* statuspress: what the browser editor adds to Decap CMS (written by statuspress at every build).
 *
 * - Dates in the site's time zone with its offset, whatever the browser's zone: Decap's own date
 *   widget writes the browser's offset (a writer abroad, or a laptop set to UTC, wrote +00:00).
 *   The zone's offsets come from the table statuspress computed at build time (index.html).
 * - The incident a statement follows up, chosen among those that exist, or a new one.
 * - Before a save, the checks that the build would otherwise fail on (or publish wrongly):
 *   Decap shows the message and writes nothing.
 * - A page that says so when Decap's script could not load, instead of staying blank.
 */
(function () {
  "use strict";
  window.CMS_MANUAL_INIT = true;  // read by Decap's bundle when it loads: we start it ourselves

  var island = document.getElementById("statuspress-editor");
  var DATA = island ? JSON.parse(island.textContent) : {offsets: [[0, 0]], choices: [], words: {}};
  var WORDS = DATA.words || {};
  var OFFSETS = DATA.offsets;  // [[UTC seconds, offset in minutes from then on], ...]
  var ID = /^[a-z0-9][a-z0-9-]*$/;
  var STRICT = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d)(?::(\d\d))?(Z|[+-]\d\d:\d\d)$/;
  var LATE_PHASES = ["monitoring", "resolved"];
  var AHEAD_MS = 15 * 60 * 1000;  // a date further ahead than this needs `embargo: true`

  function offsetAt(ms) {
    var seconds = ms / 1000, low = 0, high = OFFSETS.length - 1;
    if (seconds < OFFSETS[0][0]) { return OFFSETS[0][1]; }
    while (low < high) {  // the last change at or before `seconds`
      var middle = (low + high + 1) >> 1;
      if (OFFSETS[middle][0] <= seconds) { low = middle; } else { high = middle - 1; }
    }
    return OFFSETS[low][1];
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  // The site's wall time at an instant, as the reader wants it: 2026-01-13T06:32:00+01:00.
  function strict(ms) {
    var offset = offsetAt(ms), wall = new Date(ms + offset * 60000), size = Math.abs(offset);
    return wall.getUTCFullYear() + "-" + two(wall.getUTCMonth() + 1) + "-" + two(wall.getUTCDate()) +
      "T" + two(wall.getUTCHours()) + ":" + two(wall.getUTCMinutes()) + ":" + two(wall.getUTCSeconds()) +
      (offset < 0 ? "-" : "+") + two(Math.floor(size / 60)) + ":" + two(size % 60);
  }

  // The instant of a wall time in the site's zone; in a fold the first one, in a gap the
  // moment just after it (as the clocks show it).
  function instantOf(date, time) {
    var d = /^(\d{4})-(\d\d)-(\d\d)$/.exec(date || ""), t = /^(\d\d):(\d\d)/.exec(time || "");
    if (!d || !t) { return null; }
    var wall = Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2]);
    var seen = {}, best = null;
    OFFSETS.forEach(function (row) { seen[row[1]] = true; });
    Object.keys(seen).map(Number).sort(function (a, b) { return b - a; }).forEach(function (offset) {
      var ms = wall - offset * 60000;
      if (best === null && offsetAt(ms) === offset) { best = ms; }
    });
    return best !== null ? best : wall - offsetAt(wall - 86400000) * 60000;
  }

  function instantOfValue(value) {
    if (value instanceof Date) { return value.getTime(); }
    if (value && typeof value.toJSON === "function") { value = value.toJSON(); }
    var m = STRICT.exec(value || "");
    if (!m) { return null; }
    var ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
    if (m[7] !== "Z") {
      var sign = m[7][0] === "-" ? -1 : 1;
      ms -= sign * (+m[7].slice(1, 3) * 60 + +m[7].slice(4, 6)) * 60000;
    }
    return ms;
  }

  function parts(value) {
    var ms = instantOfValue(value);
    if (ms === null) { return {date: "", time: ""}; }
    var text = strict(ms);
    return {date: text.slice(0, 10), time: text.slice(11, 16)};
  }

  // A date for Decap's file name. Decap names a new file from the date field read as an
  // instant and written in UTC ({{year}}-{{month}}-{{day}}-{{hour}}{{minute}}); this value reads
  // as the site's wall time taken for UTC there (valueOf), and is written into the file as the
  // date itself (toJSON, which the YAML writer uses), so the name carries the site's time.
  function SiteDate(text) { this.text = text; }
  SiteDate.prototype.toJSON = function () { return this.text; };
  SiteDate.prototype.toString = function () { return this.text; };
  SiteDate.prototype.valueOf = function () {
    var m = STRICT.exec(this.text);
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  };

  function start() {
    var CMS = window.CMS, h = window.h, createClass = window.createClass;

    var DateTimeControl = createClass({
      getInitialState: function () { return parts(this.props.value); },
      componentDidUpdate: function (previous) {
        if (previous.value !== this.props.value && this.props.value !== this.emitted) {
          this.setState(parts(this.props.value));
        }
      },
      emit: function (date, time) {
        this.setState({date: date, time: time});
        var ms = instantOf(date, time);
        this.emitted = ms === null ? "" : strict(ms);
        this.props.onChange(this.emitted);
      },
      now: function () {
        var text = strict(Math.floor(Date.now() / 60000) * 60000);
        this.emit(text.slice(0, 10), text.slice(11, 16));
      },
      render: function () {
        var self = this, props = this.props, label = props.field.get("label", props.field.get("name"));
        var ms = instantOf(this.state.date, this.state.time);
        var offset = ms === null ? "" : strict(ms).slice(19);
        return h("div", {className: props.classNameWrapper,
                         style: {display: "flex", flexWrap: "wrap", gap: "0.5em", alignItems: "center"}},
          h("input", {type: "date", id: props.forID, value: this.state.date,
                      onChange: function (e) { self.emit(e.target.value, self.state.time); },
                      onFocus: props.setActiveStyle, onBlur: props.setInactiveStyle}),
          h("input", {type: "time", value: this.state.time, "aria-label": label + " (" + DATA.timezone + ")",
                      onChange: function (e) { self.emit(self.state.date, e.target.value); },
                      onFocus: props.setActiveStyle, onBlur: props.setInactiveStyle}),
          h("button", {type: "button", onClick: this.now}, WORDS.now || "Now"),
          h("span", {}, (offset ? offset + " " : "") + DATA.timezone));
      },
    });

    function choiceLabel(choice) {
      return choice.id + " — " + choice.title + " · " + choice.state +
        (choice.names.length ? " · " + choice.names.join(", ") : "");
    }

    function known(id) {
      return DATA.choices.some(function (c) { return c.id === id; });
    }

    var IncidentControl = createClass({
      getInitialState: function () {
        var value = this.props.value || "";
        return known(value) ? {chosen: value, fresh: ""} : {chosen: "", fresh: value};
      },
      isValid: function () {
        var fresh = this.state.chosen ? "" : this.state.fresh;
        if (fresh && !ID.test(fresh)) {
          return {error: {message: "'" + fresh + "': lower-case letters, digits and dashes only, such as cyberaanval-2026-01"}};
        }
        return true;
      },
      choose: function (chosen, fresh) {
        this.setState({chosen: chosen, fresh: fresh});
        this.props.onChange(chosen || fresh.trim());
      },
      render: function () {
        var self = this, props = this.props;
        var options = [h("option", {key: "", value: ""}, WORDS.new_incident || "New incident")].concat(
          DATA.choices.map(function (c) { return h("option", {key: c.id, value: c.id}, choiceLabel(c)); }));
        return h("div", {className: props.classNameWrapper},
          h("select", {id: props.forID, value: this.state.chosen, style: {maxWidth: "100%"},
                       onChange: function (e) { self.choose(e.target.value, ""); },
                       onFocus: props.setActiveStyle, onBlur: props.setInactiveStyle}, options),
          this.state.chosen ? null : h("label", {style: {display: "block", marginTop: "0.5em"}},
            (WORDS.new_incident_id || "Id of the new incident") + " ",
            h("input", {type: "text", value: this.state.fresh, pattern: "[a-z0-9][a-z0-9\\-]*",
                        onChange: function (e) { self.choose("", e.target.value); }})));
      },
    });

    function text(value) { return value === undefined || value === null ? "" : String(value); }

    CMS.registerWidget("datetime", DateTimeControl, function (props) { return h("span", {}, text(props.value)); });
    CMS.registerWidget("statuspress-incident", IncidentControl, function (props) { return h("span", {}, text(props.value)); });
    CMS.registerEventListener({name: "preSave", handler: function (event) { return checked(event.entry); }});
    CMS.init();
  }

  function pruned(map) {
    // Nothing chosen is nothing written: an empty `incident:` or `phase:` is an error to the reader.
    return map.filter(function (value) {
      if (value === null || value === undefined || value === "" || value === false) { return false; }
      if (value && typeof value.filter === "function" && typeof value.size === "number") {
        return value.filter(function (v) { return v !== null && v !== undefined && v !== ""; }).size > 0;
      }
      return true;
    }).map(function (value) {
      return value && typeof value.filter === "function" && typeof value.size === "number"
        ? value.filter(function (v) { return v !== null && v !== undefined && v !== ""; }) : value;
    });
  }

  function refuse(message) {
    throw new Error(message + " — nothing was saved.");
  }

  function checked(entry) {
    if (entry.get("collection") !== "statements") { return undefined; }
    var data = pruned(entry.get("data"));
    var date = instantOfValue(data.get("date"));
    if (date === null) { refuse("The date is missing or incomplete: give the day and the time"); }
    if (date > Date.now() + AHEAD_MS && !data.get("embargo")) {
      refuse("The date " + strict(date) + " is in the future: correct it (\"" + WORDS.now + "\" gives the present), " +
             "or tick Embargo if the statement must go out only then");
    }
    var incident = data.get("incident"), phase = data.get("phase");
    var departments = data.get("departments") ? data.get("departments").toJS() : {};
    var named = Object.keys(departments);
    if (incident && !ID.test(incident)) {
      refuse("The incident id '" + incident + "' may hold only lower-case letters, digits and dashes, " +
             "such as cyberaanval-2026-01");
    }
    var followed = DATA.choices.filter(function (c) { return c.id === incident; })[0];
    var planned = data.get("planned");
    if (planned) {
      var from = instantOfValue(planned.get("start")), to = instantOfValue(planned.get("end"));
      if (from === null || to === null) { refuse("A planned closure needs both its start and its end"); }
      if (to <= from) { refuse("The planned closure ends before it starts: correct its start or end"); }
      if (followed && followed.kind === "incident") {
        refuse("A planned closure cannot be announced in a follow-up of incident '" + incident + "': " +
               "announce it as a statement of its own (choose " + (WORDS.new_incident || "New incident") + ")");
      }
    }
    if (phase === "resolved") {
      var worse = named.filter(function (d) { return departments[d] !== "operational"; });
      if (worse.length) {
        refuse("A resolved statement sets departments back to normal: " + worse.join(", ") +
               " cannot be '" + departments[worse[0]] + "' in it; choose operational, or another phase");
      }
    }
    // Only for a new statement: which incidents were open when an older one was written, the
    // editor cannot tell (the build can: see the preview).
    if (entry.get("newRecord") && !followed && !planned && LATE_PHASES.indexOf(phase) >= 0) {
      var candidates = DATA.choices.filter(function (c) {
        return c.open && (named.length === 0 || c.holds.some(function (d) { return named.indexOf(d) >= 0; }));
      });
      candidates.sort(function (a, b) {
        function shared(c) { return c.holds.filter(function (d) { return named.indexOf(d) >= 0; }).length; }
        return shared(b) - shared(a);
      });
      if (candidates.length) {
        refuse("This statement would open a new incident already '" + phase + "' while " +
               candidates.map(function (c) { return "'" + c.id + "' (" + c.title + ")"; }).join(", ") +
               " still holds " + (named.length ? "these departments" : "departments") +
               ": to follow it up, choose it under Incident; to report a new incident, start it with " +
               "phase investigating or identified");
      }
    }
    if (entry.get("newRecord")) {
      data = data.set("date", new SiteDate(strict(date)));
    }
    return data;
  }

  window.addEventListener("load", function () {
    if (window.CMS && window.h && window.createClass) {
      start();
    } else {
      document.getElementById("statuspress-no-editor").hidden = false;
    }
  });
})();
