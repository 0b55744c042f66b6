import { WeftError } from '../errors.js';
import { MessageInbox } from './message-inbox.js';
import type { WebSocketMessage } from './websocket-message.js';

function inbox(pauseBytes?: number): { inbox: MessageInbox; flow: string[] } {
  const flow: string[] = [];
  return { inbox: new MessageInbox({ pause: () => flow.push('pause'), resume: () => flow.push('resume') }, pauseBytes), flow };
}

const text = (data: string): WebSocketMessage => ({ type: 'text', data });
const close: WebSocketMessage = { type: 'close', data: 1000, extra: 'bye' };

describe('MessageInbox', () => {
  test('a waiting reader gets the message directly; without one, messages queue in order', async () => {
    const { inbox: box } = inbox();
    const waiting = box.receive('receive()');
    box.push(text('a'));
    expect(await waiting).toEqual(text('a'));
    box.push(text('b'));
    box.push(text('c'));
    expect(await box.receive('receive()')).toEqual(text('b'));
    expect(await box.next('for await')).toEqual({ value: text('c'), done: false });
  });

  test('receive() with a timeout: a message in time is delivered; none rejects WEFT_ERR_WS_TIMEOUT and a later receive() waits again', async () => {
    const { inbox: box } = inbox();
    const inTime = box.receive('receive()', 1_000);
    box.push(text('quick'));
    expect(await inTime).toEqual(text('quick'));
    await expect(box.receive('receive()', 10)).rejects.toMatchObject({ code: 'WEFT_ERR_WS_TIMEOUT', message: 'WEFT_ERR_WS_TIMEOUT: receive(): no message within 10 ms' });
    const again = box.receive('receive()');
    box.push(text('later'));
    expect(await again).toEqual(text('later'));
  });

  test('a waiting iterator step gets an iterator result; the close message ends it', async () => {
    const { inbox: box } = inbox();
    const step = box.next('for await');
    box.push(text('a'));
    expect(await step).toEqual({ value: text('a'), done: false });
    const last = box.next('for await');
    box.push(close);
    expect(await last).toEqual({ value: undefined, done: true });
    expect(await box.next('for await')).toEqual({ value: undefined, done: true });
  });

  test('after the close message nothing is taken in and receive() keeps returning the close', async () => {
    const { inbox: box } = inbox();
    box.push(text('a'));
    box.push(close);
    box.push(text('late'));
    expect(await box.receive('receive()')).toEqual(text('a'));
    expect(await box.receive('receive()')).toEqual(close);
    expect(await box.receive('receive()')).toEqual(close);
  });

  test('a second reader is refused with the coded error naming the call, either way round', async () => {
    const { inbox: box } = inbox();
    const first = box.receive('receive()');
    await expect(box.next('for await')).rejects.toThrow(WeftError);
    await expect(box.next('for await')).rejects.toMatchObject({ code: 'WEFT_ERR_WS_CONCURRENT_RECEIVE' });
    await expect(box.next('for await')).rejects.toThrow(/for await was called while another receive\(\) on this websocket is still waiting/);
    box.push(text('a'));
    expect(await first).toEqual(text('a'));
    const step = box.next('for await');
    await expect(box.receive('receive()')).rejects.toThrow(/WEFT_ERR_WS_CONCURRENT_RECEIVE: receive\(\) was called while another/);
    box.push(text('b'));
    expect(await step).toEqual({ value: text('b'), done: false });
  });

  test('64 unread messages pause the socket once; reading down to 16 resumes it', async () => {
    const { inbox: box, flow } = inbox();
    for (let i = 0; i < 63; i++) box.push(text(String(i)));
    expect(flow).toEqual([]);
    box.push(text('63'));
    box.push(text('64'));
    expect(flow).toEqual(['pause']);
    const read: string[] = [];
    while (flow.length === 1) {
      const msg = await box.receive('receive()');
      read.push(msg.type === 'text' ? msg.data : msg.type);
    }
    expect(flow).toEqual(['pause', 'resume']);
    expect(read).toHaveLength(65 - 16);
    for (let i = read.length; i < 65; i++) expect(await box.receive('receive()')).toEqual(text(String(i)));
    expect(flow).toEqual(['pause', 'resume']);
  });

  test('a few large unread messages pause it too: past pauseBytes; reading down to a quarter of it resumes', async () => {
    const { inbox: box, flow } = inbox(1000);
    const binary = (n: number): WebSocketMessage => ({ type: 'binary', data: Buffer.alloc(n) });
    box.push(binary(400));
    box.push(text('x'.repeat(600)));
    expect(flow).toEqual([]); // exactly 1000: not past it
    box.push(binary(1));
    expect(flow).toEqual(['pause']);
    box.push(binary(4000)); // what ws had already read still arrives, and is kept
    expect(flow).toEqual(['pause']);
    for (const size of [400, 600, 1]) {
      const msg = await box.receive('receive()');
      expect(msg.type === 'text' || msg.type === 'binary' ? msg.data.length : -1).toBe(size);
      expect(flow).toEqual(['pause']); // 4000 still unread
    }
    expect(await box.receive('receive()')).toEqual(binary(4000));
    expect(flow).toEqual(['pause', 'resume']);
    box.push(text('y'.repeat(250)));
    box.push(close); // control messages count for nothing
    expect(flow).toEqual(['pause', 'resume']);
  });
});
