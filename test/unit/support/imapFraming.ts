import { strict as assert } from 'node:assert';
import { parser } from 'imapflow/lib/handler/imap-handler';
import { ImapStream } from 'imapflow/lib/handler/imap-stream';

/** One response as imapflow's ImapStream frames it: the line(s) and their literals. */
export interface Framed {
  payload: Buffer;
  literals: Buffer[];
}

/** The responses imapflow's ImapStream frames from `wire`, as on a connection. */
export async function frame(wire: Buffer): Promise<Framed[]> {
  const stream = new ImapStream({});
  const out: Framed[] = [];
  const done = new Promise<void>((resolve, reject) => {
    stream.on('readable', () => {
      let item: { payload: Buffer; literals: Buffer[]; next: () => void } | null;
      while ((item = stream.read() as typeof item) !== null) {
        out.push({ payload: item.payload, literals: item.literals });
        item.next();
      }
    });
    stream.on('error', reject);
    stream.on('end', resolve);
  });
  stream.end(wire);
  await done;
  return out;
}

/** imapflow's parse of a framed response: tag, command and attributes. */
export async function imapflowParse(item: Framed): Promise<{ tag: string; command: string; attributes: unknown[] }> {
  const parsed = (await parser(item.payload, { literals: [...item.literals] })) as { tag: string; command: string; attributes: unknown[] };
  return { tag: parsed.tag, command: parsed.command, attributes: parsed.attributes };
}

/** The one response imapflow's ImapStream frames from `wire` (a string as UTF-8); fails the test if there are more or none. */
export async function frameOne(wire: string | Buffer): Promise<Framed> {
  const items = await frame(Buffer.isBuffer(wire) ? wire : Buffer.from(wire, 'utf8'));
  assert.equal(items.length, 1, `one response: ${JSON.stringify(wire.toString())}`);
  return items[0]!;
}
