export async function compareCommand(_args: string[]): Promise<number> { throw new Error('not yet'); }
