// Types of sdk-sources.mjs (a plain ESM module, run by Node before anything is compiled).

/** A contract whose ABI the SDK ships. */
export type SdkAbiName = "AccessGrants" | "IssuerRegistry" | "GrantGate";

/** The contracts the indexer reads (the two deployed ones), from the SDK's ABI module. */
export const indexedAbiNames: SdkAbiName[];
/** The SDK also decodes the errors of GrantGate (dApps that inherit it). */
export const sdkAbiNames: SdkAbiName[];
/** sdk/src/abi/<name>Abi.ts below `rootDir` (default: the repository). */
export function sdkAbiFile(name: string, rootDir?: string): string;
/** The text of that file, from the build's artifact below `rootDir`. */
export function sdkAbiModule(name: string, rootDir?: string): string;
/** The functions, events and errors of each contract that the SDK's core entry carries. */
export const sdkCoreAbiItems: Record<SdkAbiName, { functions: string[]; events: string[] }>;
export const sdkCoreAbisFile: string;
export function sdkCoreAbisModule(): string;
export const sdkDeploymentsFile: string;
export function sdkDeploymentsModule(): string;
/** Every generated source of the SDK: its file and the text it must hold. */
export function sdkGeneratedFiles(): { file: string; text: string }[];
