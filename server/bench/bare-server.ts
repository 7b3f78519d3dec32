import { createServer } from "node:http";

/** The baseline: a bare Node HTTP server answering every POST with a small JSON body. */
const server = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    response.writeHead(202, { "content-type": "application/json" });
    response.end('{"status":"queued"}');
  });
});
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`${typeof address === "object" && address ? address.port : 0}\n`);
});
