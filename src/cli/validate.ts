export async function validateCommand(_args: string[]): Promise<number> { throw new Error('not yet'); }
