import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { fromStoredJson } from "../../engine/stored-value.ts";
import { iterateRunRows, type RunListRow } from "../../store/run-queries.ts";
import { csvRow, UTF8_BOM } from "../csv.ts";
import { resolveRunFilter, runFilterQuery } from "../run-filter.ts";
import { asZod, type Services } from "../services.ts";
import { runSummary } from "../views.ts";

const FORMATS = {
  csv: { type: "text/csv; charset=utf-8", extension: "csv" },
  json: { type: "application/json; charset=utf-8", extension: "json" },
  ndjson: { type: "application/x-ndjson; charset=utf-8", extension: "ndjson" },
} as const;

const exportQuery = runFilterQuery.extend({
  format: z.enum(["csv", "json", "ndjson"]).default("csv"),
  bom: z
    .enum(["0", "1"], { error: "must be 1 (start the CSV with a UTF-8 byte order mark) or 0" })
    .default("0")
    .transform((v) => v === "1"),
});

/** The columns of an export, in order; CSV's header row and JSON's keys. */
const COLUMNS = [
  "id",
  "workflowId",
  "workflowName",
  "version",
  "status",
  "triggerType",
  "triggerId",
  "createdAt",
  "startedAt",
  "endedAt",
  "durationMs",
  "errorKind",
  "errorMessage",
  "tags",
] as const;

/** `GET /api/v1/runs/export`: every run the list's filters cover, streamed as CSV or JSON. */
export function registerRunExportRoute(fastify: FastifyInstance, services: Services): void {
  const app = asZod(fastify);
  const db = services.store.db;

  app.get(
    "/api/v1/runs/export",
    {
      config: { access: "viewer" },
      schema: {
        tags: ["runs"],
        summary: "Export the runs a filter covers, newest first, as CSV, JSON or NDJSON",
        description:
          "Takes the filters of GET /api/v1/runs. The answer is streamed as an attachment. " +
          `Columns: ${COLUMNS.join(", ")}. CSV follows RFC 4180 (UTF-8, CRLF, a header row; ` +
          "bom=1 adds the byte order mark Excel needs); a text cell starting with = + - @, tab " +
          "or CR gets a leading ' so that spreadsheets do not run it as a formula.",
        querystring: exportQuery,
      },
    },
    async (request, reply) => {
      const { format, bom, ...filterQuery } = request.query;
      const filter = await resolveRunFilter(db, filterQuery);
      const pages = iterateRunRows(db, filter);
      const chunks =
        format === "csv"
          ? csvChunks(pages, bom)
          : format === "json"
            ? jsonChunks(pages)
            : ndjsonChunks(pages);
      const date = new Date().toISOString().slice(0, 10);
      return reply
        .type(FORMATS[format].type)
        .header(
          "content-disposition",
          `attachment; filename="weft-runs-${date}.${FORMATS[format].extension}"`,
        )
        .header("cache-control", "no-store")
        .send(Readable.from(chunks, { objectMode: false }));
    },
  );
}

type ExportRecord = ReturnType<typeof exportRecord>;

/** One run as exported: the list's view with the error split into kind and message. */
function exportRecord(row: RunListRow) {
  const { error: _error, ...summary } = runSummary(row);
  const error = fromStoredJson(row.error) as { kind?: unknown; message?: unknown } | undefined;
  return {
    ...summary,
    errorKind: typeof error?.kind === "string" ? error.kind : null,
    errorMessage: typeof error?.message === "string" ? error.message : null,
    tags: row.tags.split(",").filter(Boolean),
  };
}

/** One string per page of runs: the stream holds a page at a time, not a row at a time. */
async function* csvChunks(pages: AsyncIterable<RunListRow[]>, bom: boolean) {
  yield `${bom ? UTF8_BOM : ""}${csvRow(COLUMNS)}`;
  for await (const rows of pages) {
    yield rows.map((row) => csvRow(csvValues(exportRecord(row)))).join("");
  }
}

function csvValues(record: ExportRecord): (string | number | null)[] {
  return COLUMNS.map((column) => {
    const value = record[column];
    return Array.isArray(value) ? value.join(",") : value;
  });
}

/** A JSON array with one run per line. */
async function* jsonChunks(pages: AsyncIterable<RunListRow[]>) {
  let separator = "\n";
  yield "[";
  for await (const rows of pages) {
    yield separator + rows.map((row) => JSON.stringify(exportRecord(row))).join(",\n");
    separator = ",\n";
  }
  yield "\n]\n";
}

/** One JSON object per line (NDJSON), for tools that read a line at a time. */
async function* ndjsonChunks(pages: AsyncIterable<RunListRow[]>) {
  for await (const rows of pages) {
    yield `${rows.map((row) => JSON.stringify(exportRecord(row))).join("\n")}\n`;
  }
}
