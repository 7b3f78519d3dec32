import { describe, expect, it } from "vitest";
import { ValidationError } from "../../src/errors.ts";
import {
  checkCron,
  checkTimezone,
  type DueSlotsInput,
  dueSlots,
  MISSED_GRACE_MS,
  nextFireAfter,
} from "../../src/scheduler/next-fire.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Every slot in [from, to), found by stepping nextFireAfter. */
function slotsBetween(expression: string, zone: string, from: string, to: string): string[] {
  const slots: string[] = [];
  let cursor = at(from) - 1;
  for (;;) {
    const next = nextFireAfter(expression, zone, cursor);
    if (next === undefined || next >= at(to)) return slots;
    slots.push(new Date(next).toISOString());
    cursor = next;
  }
}

function due(input: Partial<DueSlotsInput> & Pick<DueSlotsInput, "nextFireAt" | "now">) {
  const result = dueSlots({
    expression: "0 9 * * *",
    timezone: "UTC",
    catchUp: "all",
    limit: 100,
    ...input,
  });
  return { fire: result.fire.map((ms) => iso(ms)), nextFireAt: iso(result.nextFireAt) };
}

describe("checkCron", () => {
  it("accepts 5 fields, 6 with seconds, and croner's L, W, # and names", () => {
    for (const cron of [
      "0 9 * * 1-5",
      "*/15 * * * *",
      "0 30 2 * * *",
      "0 0 L * *",
      "0 0 15W * *",
      "0 0 * * 5#2",
      "0 0 * JAN MON-FRI",
    ]) {
      expect(checkCron(cron), cron).toBeUndefined();
    }
  });

  it("names the field count when it is not 5 or 6", () => {
    const help =
      "a cron needs 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first";
    expect(checkCron("* * * *")).toBe(`"* * * *" has 4 fields: ${help}`);
    expect(checkCron("0 0 0 * * * 2027")).toBe(`"0 0 0 * * * 2027" has 7 fields: ${help}`);
    expect(checkCron("@daily")).toBe(`"@daily" has 1 field: ${help}`);
    expect(checkCron("  ")).toBe(`"  " has 0 fields: ${help}`);
  });

  it("reports out-of-range values as written", () => {
    expect(checkCron("61 * * * *")).toBe(
      '"61 * * * *" is not a valid cron: minute 61 is out of range 0-59',
    );
    expect(checkCron("* * 32 * *")).toBe(
      '"* * 32 * *" is not a valid cron: day of month 32 is out of range 1-31',
    );
    expect(checkCron("* * * 0 *")).toBe(
      '"* * * 0 *" is not a valid cron: month 0 is out of range 1-12',
    );
    expect(checkCron("60 * * * * *")).toBe(
      '"60 * * * * *" is not a valid cron: second 60 is out of range 0-59',
    );
  });

  it("passes croner's other reasons on", () => {
    expect(checkCron("*/0 * * * *")).toBe(
      '"*/0 * * * *" is not a valid cron: Syntax error, illegal stepping: 0',
    );
    expect(checkCron("0 9 * FOO *")).toBe(
      '"0 9 * FOO *" is not a valid cron: configuration entry 4 (FOO) contains illegal characters.',
    );
  });

  it("rejects a cron that matches no date", () => {
    expect(checkCron("0 0 30 2 *")).toBe('"0 0 30 2 *" never fires: no date matches it');
    expect(checkCron("0 0 29 2 *")).toBeUndefined();
  });
});

describe("checkTimezone", () => {
  it("accepts IANA zones", () => {
    for (const zone of ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]) {
      expect(checkTimezone(zone), zone).toBeUndefined();
    }
  });

  it("rejects unknown zones and offsets with a message", () => {
    expect(checkTimezone("Europe/Berln")).toBe('"Europe/Berln" is not a known IANA time zone');
    expect(checkTimezone("")).toBe('"" is not a known IANA time zone');
    expect(checkTimezone("+01:00")).toBe(
      '"+01:00" is not a known IANA time zone: use a zone name such as Europe/Berlin',
    );
  });
});

describe("nextFireAfter", () => {
  it("returns the first slot strictly after the instant", () => {
    expect(iso(nextFireAfter("0 * * * *", "UTC", at("2026-01-01T10:00:00.000Z")))).toBe(
      "2026-01-01T11:00:00.000Z",
    );
    expect(iso(nextFireAfter("0 * * * *", "UTC", at("2026-01-01T09:59:59.999Z")))).toBe(
      "2026-01-01T10:00:00.000Z",
    );
    expect(iso(nextFireAfter("0 9 * * 1-5", "UTC", at("2026-01-02T09:00:00.000Z")))).toBe(
      "2026-01-05T09:00:00.000Z",
    );
  });

  it("reads 6 fields with seconds first", () => {
    expect(iso(nextFireAfter("*/10 * * * * *", "UTC", at("2026-01-01T00:00:05.500Z")))).toBe(
      "2026-01-01T00:00:10.000Z",
    );
    expect(iso(nextFireAfter("30 0 9 * * *", "UTC", at("2026-01-01T09:00:00.000Z")))).toBe(
      "2026-01-01T09:00:30.000Z",
    );
  });

  it("returns undefined for a cron that never fires", () => {
    expect(nextFireAfter("0 0 30 2 *", "UTC", at("2026-01-01T00:00:00Z"))).toBeUndefined();
  });

  it("throws a ValidationError that names each bad field", () => {
    const call = () => nextFireAfter("61 * * * *", "Europe/Berln", 0);
    expect(call).toThrow(ValidationError);
    try {
      call();
    } catch (error) {
      expect((error as ValidationError).issues).toEqual([
        {
          path: "cron",
          message: '"61 * * * *" is not a valid cron: minute 61 is out of range 0-59',
        },
        { path: "timezone", message: '"Europe/Berln" is not a known IANA time zone' },
      ]);
    }
  });
});

describe("daylight saving in Europe/Berlin", () => {
  it("fires a fixed time in the spring-forward gap once, when the gap ends", () => {
    expect(
      slotsBetween("30 2 * * *", "Europe/Berlin", "2026-03-28T00:00Z", "2026-03-31T00:00Z"),
    ).toEqual(["2026-03-28T01:30:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"]);
  });

  it("fires a fixed time in the repeated hour once, in its first pass", () => {
    expect(
      slotsBetween("30 2 * * *", "Europe/Berlin", "2026-10-24T00:00Z", "2026-10-27T00:00Z"),
    ).toEqual(["2026-10-24T00:30:00.000Z", "2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]);
    expect(iso(nextFireAfter("30 2 * * *", "Europe/Berlin", at("2026-10-25T01:00Z")))).toBe(
      "2026-10-26T01:30:00.000Z",
    );
  });

  it("treats hour lists and minute lists as fixed times", () => {
    expect(
      slotsBetween("0,30 2 * * *", "Europe/Berlin", "2026-03-29T00:00Z", "2026-03-30T00:00Z"),
    ).toEqual(["2026-03-29T01:00:00.000Z"]);
    expect(
      slotsBetween("0,30 2 * * *", "Europe/Berlin", "2026-10-25T00:00Z", "2026-10-26T00:00Z"),
    ).toEqual(["2026-10-25T00:00:00.000Z", "2026-10-25T00:30:00.000Z"]);
    expect(
      slotsBetween("30 2,14 * * *", "Europe/Berlin", "2026-03-29T00:00Z", "2026-03-30T00:00Z"),
    ).toEqual(["2026-03-29T01:00:00.000Z", "2026-03-29T12:30:00.000Z"]);
  });

  it("fires an hourly wildcard in both passes of the repeated hour and not in the gap", () => {
    expect(
      slotsBetween("15 * * * *", "Europe/Berlin", "2026-10-24T23:00Z", "2026-10-25T03:00Z"),
    ).toEqual([
      "2026-10-24T23:15:00.000Z",
      "2026-10-25T00:15:00.000Z",
      "2026-10-25T01:15:00.000Z",
      "2026-10-25T02:15:00.000Z",
    ]);
    expect(
      slotsBetween("15 * * * *", "Europe/Berlin", "2026-03-29T00:00Z", "2026-03-29T03:00Z"),
    ).toEqual(["2026-03-29T00:15:00.000Z", "2026-03-29T01:15:00.000Z", "2026-03-29T02:15:00.000Z"]);
  });

  it("fires */30 every 30 real minutes through both transitions", () => {
    expect(
      slotsBetween("*/30 * * * *", "Europe/Berlin", "2026-03-29T00:00Z", "2026-03-29T02:00Z"),
    ).toEqual([
      "2026-03-29T00:00:00.000Z",
      "2026-03-29T00:30:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-29T01:30:00.000Z",
    ]);
    expect(
      slotsBetween("*/30 * * * *", "Europe/Berlin", "2026-10-24T23:30Z", "2026-10-25T02:00Z"),
    ).toEqual([
      "2026-10-24T23:30:00.000Z",
      "2026-10-25T00:00:00.000Z",
      "2026-10-25T00:30:00.000Z",
      "2026-10-25T01:00:00.000Z",
      "2026-10-25T01:30:00.000Z",
    ]);
  });

  it("applies the same rules to 6-field crons", () => {
    expect(
      slotsBetween("0 30 2 * * *", "Europe/Berlin", "2026-03-29T00:00Z", "2026-03-30T00:00Z"),
    ).toEqual(["2026-03-29T01:00:00.000Z"]);
  });
});

describe("daylight saving in America/New_York", () => {
  it("fires 02:30 on 2026-03-08 at 03:00 EDT", () => {
    expect(
      slotsBetween("30 2 * * *", "America/New_York", "2026-03-07T12:00Z", "2026-03-09T12:00Z"),
    ).toEqual(["2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"]);
  });

  it("fires 01:30 on 2026-11-01 once, in EDT", () => {
    expect(
      slotsBetween("30 1 * * *", "America/New_York", "2026-10-31T12:00Z", "2026-11-02T12:00Z"),
    ).toEqual(["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]);
  });

  it("fires 15 * * * * at 01:15 EDT and 01:15 EST", () => {
    expect(
      slotsBetween("15 * * * *", "America/New_York", "2026-11-01T04:30Z", "2026-11-01T07:00Z"),
    ).toEqual(["2026-11-01T05:15:00.000Z", "2026-11-01T06:15:00.000Z"]);
  });
});

describe("daylight saving in Australia/Sydney", () => {
  it("fires 02:30 once when DST ends on 2026-04-05", () => {
    expect(
      slotsBetween("30 2 * * *", "Australia/Sydney", "2026-04-04T00:00Z", "2026-04-06T00:00Z"),
    ).toEqual(["2026-04-04T15:30:00.000Z", "2026-04-05T16:30:00.000Z"]);
  });

  it("fires 15 * * * * in both passes of 02:00 on 2026-04-05", () => {
    expect(
      slotsBetween("15 * * * *", "Australia/Sydney", "2026-04-04T14:30Z", "2026-04-04T16:30Z"),
    ).toEqual(["2026-04-04T15:15:00.000Z", "2026-04-04T16:15:00.000Z"]);
  });

  it("fires 02:30 at 03:00 AEDT when DST starts on 2026-10-04", () => {
    expect(
      slotsBetween("30 2 * * *", "Australia/Sydney", "2026-10-03T00:00Z", "2026-10-05T00:00Z"),
    ).toEqual(["2026-10-03T16:00:00.000Z", "2026-10-04T15:30:00.000Z"]);
  });
});

describe("daylight saving in Australia/Lord_Howe (a 30-minute shift)", () => {
  const zone = "Australia/Lord_Howe";

  it("fires 01:45 once when 01:30-02:00 repeats on 2026-04-05", () => {
    expect(slotsBetween("45 1 * * *", zone, "2026-04-04T00:00Z", "2026-04-06T00:00Z")).toEqual([
      "2026-04-04T14:45:00.000Z",
      "2026-04-05T15:15:00.000Z",
    ]);
  });

  it("fires 02:15 at 02:30 when 02:00-02:30 is skipped on 2026-10-04", () => {
    expect(slotsBetween("15 2 * * *", zone, "2026-10-03T00:00Z", "2026-10-05T00:00Z")).toEqual([
      "2026-10-03T15:30:00.000Z",
      "2026-10-04T15:15:00.000Z",
    ]);
  });

  it("fires */15 every 15 real minutes through both shifts", () => {
    expect(slotsBetween("*/15 * * * *", zone, "2026-04-04T14:15Z", "2026-04-04T15:30Z")).toEqual([
      "2026-04-04T14:15:00.000Z",
      "2026-04-04T14:30:00.000Z",
      "2026-04-04T14:45:00.000Z",
      "2026-04-04T15:00:00.000Z",
      "2026-04-04T15:15:00.000Z",
    ]);
    expect(slotsBetween("*/15 * * * *", zone, "2026-10-03T15:15Z", "2026-10-03T16:00Z")).toEqual([
      "2026-10-03T15:15:00.000Z",
      "2026-10-03T15:30:00.000Z",
      "2026-10-03T15:45:00.000Z",
    ]);
  });
});

describe("zones without daylight saving", () => {
  it("keeps Asia/Kolkata at +05:30 all year", () => {
    expect(
      slotsBetween("30 2 * * *", "Asia/Kolkata", "2026-03-28T00:00Z", "2026-03-30T00:00Z"),
    ).toEqual(["2026-03-28T21:00:00.000Z", "2026-03-29T21:00:00.000Z"]);
    expect(
      slotsBetween("30 2 * * *", "Asia/Kolkata", "2026-10-25T00:00Z", "2026-10-26T00:00Z"),
    ).toEqual(["2026-10-25T21:00:00.000Z"]);
  });

  it("fires UTC crons at their UTC time", () => {
    expect(slotsBetween("0 0 L * *", "UTC", "2026-02-01T00:00Z", "2026-04-01T00:00Z")).toEqual([
      "2026-02-28T00:00:00.000Z",
      "2026-03-31T00:00:00.000Z",
    ]);
  });
});

describe("dueSlots", () => {
  // A daily 09:00 UTC schedule, down from before the 2026-01-01 slot until just after 01-04's.
  const threeDaysDown = { nextFireAt: at("2026-01-01T09:00Z"), now: at("2026-01-04T09:00:30Z") };
  const nextDay = "2026-01-05T09:00:00.000Z";

  it("fires nothing before the stored next fire time", () => {
    expect(due({ nextFireAt: at("2026-01-01T09:00Z"), now: at("2026-01-01T08:59:59Z") })).toEqual({
      fire: [],
      nextFireAt: "2026-01-01T09:00:00.000Z",
    });
  });

  it("catchUp none fires only the slot within the grace", () => {
    expect(due({ ...threeDaysDown, catchUp: "none" })).toEqual({
      fire: ["2026-01-04T09:00:00.000Z"],
      nextFireAt: nextDay,
    });
  });

  it("catchUp latest adds the most recent missed slot", () => {
    expect(due({ ...threeDaysDown, catchUp: "latest" })).toEqual({
      fire: ["2026-01-03T09:00:00.000Z", "2026-01-04T09:00:00.000Z"],
      nextFireAt: nextDay,
    });
  });

  it("catchUp all fires every missed slot, the most recent `limit` of them", () => {
    expect(due({ ...threeDaysDown, catchUp: "all" }).fire).toEqual([
      "2026-01-01T09:00:00.000Z",
      "2026-01-02T09:00:00.000Z",
      "2026-01-03T09:00:00.000Z",
      "2026-01-04T09:00:00.000Z",
    ]);
    expect(due({ ...threeDaysDown, catchUp: "all", limit: 2 })).toEqual({
      fire: ["2026-01-02T09:00:00.000Z", "2026-01-03T09:00:00.000Z", "2026-01-04T09:00:00.000Z"],
      nextFireAt: nextDay,
    });
  });

  it("counts a slot as missed only once it is older than the grace", () => {
    const slot = at("2026-01-01T09:00Z");
    const onTime = { nextFireAt: slot, now: slot + MISSED_GRACE_MS, catchUp: "none" as const };
    expect(due(onTime).fire).toEqual(["2026-01-01T09:00:00.000Z"]);
    expect(due({ ...onTime, now: slot + MISSED_GRACE_MS + 1 })).toEqual({
      fire: [],
      nextFireAt: "2026-01-02T09:00:00.000Z",
    });
    expect(due({ ...onTime, now: slot + MISSED_GRACE_MS + 1, catchUp: "latest" }).fire).toEqual([
      "2026-01-01T09:00:00.000Z",
    ]);
  });

  it("returns the on-time slots and the last 10 missed of a per-second schedule, quickly", () => {
    const started = performance.now();
    const result = due({
      expression: "* * * * * *",
      nextFireAt: at("2026-01-01T00:00:00Z"),
      now: at("2026-01-31T00:00:00.500Z"),
      catchUp: "all",
      limit: 10,
    });
    const elapsed = performance.now() - started;

    // 60 slots within the grace (23:59:01 to 00:00:00) and the 10 missed just before them.
    expect(result.fire).toHaveLength(70);
    expect(result.fire[0]).toBe("2026-01-30T23:58:51.000Z");
    expect(result.fire[10]).toBe("2026-01-30T23:59:01.000Z");
    expect(result.fire[69]).toBe("2026-01-31T00:00:00.000Z");
    expect(result.nextFireAt).toBe("2026-01-31T00:00:01.000Z");
    expect(elapsed).toBeLessThan(200);
  });

  it("fires every on-time slot: the limit bounds only the missed ones", () => {
    const result = due({
      expression: "* * * * * *",
      nextFireAt: at("2026-01-01T00:00:00Z"),
      now: at("2026-01-01T00:05:00Z"),
      catchUp: "none",
      limit: 3,
    });
    expect(result.fire).toHaveLength(61);
    expect(result.fire[0]).toBe("2026-01-01T00:04:00.000Z");
    expect(result.fire[60]).toBe("2026-01-01T00:05:00.000Z");
  });

  it("fires both passes of a repeated hour when catching up across it", () => {
    expect(
      due({
        expression: "15 * * * *",
        timezone: "Europe/Berlin",
        nextFireAt: at("2026-10-24T23:15Z"),
        now: at("2026-10-25T02:20Z"),
      }),
    ).toEqual({
      fire: [
        "2026-10-24T23:15:00.000Z",
        "2026-10-25T00:15:00.000Z",
        "2026-10-25T01:15:00.000Z",
        "2026-10-25T02:15:00.000Z",
      ],
      nextFireAt: "2026-10-25T03:15:00.000Z",
    });
  });

  it("walks back through a repeated hour after a long downtime", () => {
    expect(
      due({
        expression: "*/30 * * * *",
        timezone: "Europe/Berlin",
        nextFireAt: at("2026-10-20T00:00Z"),
        now: at("2026-10-25T02:10Z"),
        limit: 5,
      }),
    ).toEqual({
      fire: [
        "2026-10-25T00:00:00.000Z",
        "2026-10-25T00:30:00.000Z",
        "2026-10-25T01:00:00.000Z",
        "2026-10-25T01:30:00.000Z",
        "2026-10-25T02:00:00.000Z",
      ],
      nextFireAt: "2026-10-25T02:30:00.000Z",
    });
  });

  it("rejects a limit below 1", () => {
    expect(() => due({ ...threeDaysDown, limit: 0 })).toThrow(
      "limit must be a positive integer, got 0",
    );
  });
});
