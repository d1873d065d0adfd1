import { synth } from '../commands/synth';
test('x', async () => { const log: string[] = []; console.log(await synth({ root: '/tmp/i17-git', log: (l) => log.push(l) }), log.join('\n')); });
