/**
 * The RPC URLs of a chain: PONDER_RPC_URL_<chainId> (comma-separated for several), or the local node
 * for the local chain ids. Read by ponder.config.ts (indexing) and by the API's own client (reads of
 * the chain head and block times, which must not spend the indexer's RPC budget).
 */
export function rpcFor(chainId: number, env: NodeJS.ProcessEnv = process.env): string[] {
  const urls = env[`PONDER_RPC_URL_${chainId}`];
  if (urls) return urls.split(",").map((u) => u.trim());
  if (chainId === 31337 || chainId === 31338) return ["http://127.0.0.1:8545"];
  throw new Error(`set PONDER_RPC_URL_${chainId} to the RPC URL of chain ${chainId}`);
}
