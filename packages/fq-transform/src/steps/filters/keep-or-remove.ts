/** mbf's KeepOrRemove: whether a tag filter keeps or removes the molecules that pass it. */
import { enumKey } from '../../config-keys.js';
import type { Table } from '../../table.js';

export type KeepOrRemove = 'Keep' | 'Remove';

export function keepOrRemoveKey(table: Table): KeepOrRemove {
  return enumKey<KeepOrRemove>(table, 'keep_or_remove', { Keep: 'Keep', Remove: 'Remove' });
}
