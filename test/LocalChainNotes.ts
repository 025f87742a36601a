import { expect } from "chai";

import { localChainNote } from "../scripts/lib/indexer-process.js";

describe("npm start: notes under Ponder's warnings on the local chain", () => {
  it("explains the public-RPC and no-new-block warnings, as Ponder prints them", () => {
    const rpc =
      "16:46:26.407 WARN  Detected public RPC URL. Most apps require an RPC URL with a higher rate limit. chain=chain31337 url=http://127.0.0.1:8545";
    const idle = "16:47:03.633 WARN  No new block received within expected time chain=chain31337";
    expect(localChainNote(rpc)).to.match(/public RPC/);
    expect(localChainNote(idle)).to.match(/only when a transaction arrives/);
  });

  it("says nothing of other lines, warnings included", () => {
    for (const line of [
      "16:46:29.382 INFO  Created HTTP server port=42069 hostname=127.0.0.1 (12ms)",
      "16:46:29.533 WARN  Fatal error: unable to connect to database",
      "16:46:29.533 INFO  Indexed block chain=chain31337 number=111 event_count=1 (55ms)",
    ])
      expect(localChainNote(line), line).to.equal(undefined);
  });
});
