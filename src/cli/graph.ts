export async function graphCommand(_args: string[]): Promise<number> { throw new Error('not yet'); }
