import { z } from "zod";

/** What a user's dashboard holds: widgets placed on a grid of 12 columns. */

export const GRID_COLUMNS = 12;
const MAX_ROWS = 200;
const MAX_HEIGHT = 24;

export const WIDGET_TYPES = [
  "runs-by-status",
  "success-rate",
  "slowest-workflows",
  "recent-failures",
  "upcoming-schedules",
  "throughput",
] as const;
export const STATS_RANGES = ["24h", "7d", "30d"] as const;

const widget = z
  .object({
    id: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, "must be letters, digits, _ or -"),
    type: z.enum(WIDGET_TYPES),
    x: z
      .number()
      .int()
      .min(0)
      .max(GRID_COLUMNS - 1),
    y: z.number().int().min(0).max(MAX_ROWS),
    w: z.number().int().min(1).max(GRID_COLUMNS),
    h: z.number().int().min(1).max(MAX_HEIGHT),
    options: z
      .strictObject({
        range: z.enum(STATS_RANGES).optional(),
        bucket: z.enum(["hour", "day"]).optional(),
        limit: z.number().int().min(1).max(50).optional(),
        title: z.string().max(100).optional(),
      })
      .optional(),
  })
  .refine((w) => w.x + w.w <= GRID_COLUMNS, {
    path: ["w"],
    message: `x + w must be at most ${GRID_COLUMNS}, the grid's width`,
  });

/** Widgets may overlap: the dashboard's grid compacts them; only their bounds are checked. */
export const dashboardLayoutObject = z.object({ widgets: z.array(widget).max(50) });

/** A layout as PUT takes it: bounded widgets with distinct ids. */
export const dashboardLayoutSchema = dashboardLayoutObject.superRefine((layout, ctx) => {
  const seen = new Set<string>();
  layout.widgets.forEach((w, i) => {
    if (seen.has(w.id))
      ctx.addIssue({ code: "custom", path: ["widgets", i, "id"], message: `repeats "${w.id}"` });
    seen.add(w.id);
  });
});

export type DashboardLayout = z.infer<typeof dashboardLayoutSchema>;

/** What a user sees before arranging anything: one of each widget. */
export const DEFAULT_LAYOUT: DashboardLayout = {
  widgets: [
    {
      id: "runs-by-status",
      type: "runs-by-status",
      x: 0,
      y: 0,
      w: 8,
      h: 4,
      options: { range: "24h" },
    },
    { id: "success-rate", type: "success-rate", x: 8, y: 0, w: 4, h: 2, options: { range: "24h" } },
    { id: "throughput", type: "throughput", x: 8, y: 2, w: 4, h: 2, options: { range: "24h" } },
    {
      id: "recent-failures",
      type: "recent-failures",
      x: 0,
      y: 4,
      w: 6,
      h: 4,
      options: { limit: 10 },
    },
    {
      id: "slowest-workflows",
      type: "slowest-workflows",
      x: 6,
      y: 4,
      w: 6,
      h: 4,
      options: { range: "7d", limit: 10 },
    },
    {
      id: "upcoming-schedules",
      type: "upcoming-schedules",
      x: 0,
      y: 8,
      w: 12,
      h: 3,
      options: { limit: 10 },
    },
  ],
};
