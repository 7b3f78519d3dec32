import { parentPort, workerData } from "node:worker_threads";
import { writeBackup } from "./backup.ts";

/**
 * Runs one backup off the main thread: the copy and its integrity check read the whole file,
 * which in the server's thread would hold up requests and lease renewals for as long.
 */
const { source, target } = workerData as { source: string; target: string };
parentPort?.postMessage(await writeBackup(source, target));
