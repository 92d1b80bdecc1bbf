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
