// The one registration of Drover's own Lua scripts. Each script is one module in its domain's lua/
// folder, named as BullMQ names its commands (moveToFinished-14.lua): the script, then how many of its
// arguments are keys, e.g. lib/redis/lua/job-state-1.ts; "-n" when the caller passes that count first.
// The module holds the Lua, apart from the TypeScript that calls it; the folder's commands.ts holds the
// ioredis typing of the commands the scripts become.
import type { Redis, RedisCommander } from 'ioredis';

/** The command name of a Drover script: one its folder's commands.ts declares on ioredis' RedisCommander. */
type DroverCommand = Extract<keyof RedisCommander, `drover${string}`>;

export type LuaScript = {
  readonly name: DroverCommand;
  /** How many of the leading arguments are keys; undefined: the caller passes the count first. */
  readonly numberOfKeys: number | undefined;
  readonly lua: string;
};

/**
 * The client with these scripts defined as commands (ioredis sends EVAL on a socket's first call, then
 * EVALSHA), standalone or Cluster alike. A script the client already has is left as it is, so a
 * caller may pass its scripts before every use. Define them before `pipeline()`: a pipeline takes the
 * client's scripts when it is made.
 */
export function withLuaScripts(client: Redis, scripts: readonly LuaScript[]): Redis {
  for (const { name, numberOfKeys, lua } of scripts) {
    if (!Object.hasOwn(client, name)) client.defineCommand(name, { numberOfKeys, lua });
  }
  return client;
}
