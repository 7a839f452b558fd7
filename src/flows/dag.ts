/** Thrown by `Dag.addEdge` when the edge would close a cycle; `cycle` starts and ends on the same id. */
export class CycleError extends Error {
  constructor(readonly cycle: string[]) {
    super(`cycle: ${cycle.join(' → ')}`);
    this.name = 'CycleError';
  }
}

interface Entry<T> {
  value: T;
  index: number;
  parents: Set<string>;
  children: Set<string>;
}

/** A directed acyclic graph whose nodes keep their insertion order, so every traversal is stable. */
export class Dag<T> {
  private readonly entries = new Map<string, Entry<T>>();

  addNode(id: string, value: T): void {
    if (this.entries.has(id)) throw new Error(`duplicate node "${id}"`);
    this.entries.set(id, {
      value,
      index: this.entries.size,
      parents: new Set(),
      children: new Set(),
    });
  }

  /** Adding an existing edge again changes nothing. */
  addEdge(from: string, to: string): void {
    const parent = this.entry(from);
    const child = this.entry(to);
    const back = this.path(to, from);
    if (back) throw new CycleError([...back, to]);
    parent.children.add(to);
    child.parents.add(from);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): T {
    return this.entry(id).value;
  }

  /** Node ids in insertion order. */
  ids(): string[] {
    return [...this.entries.keys()];
  }

  parents(id: string): string[] {
    return [...this.entry(id).parents];
  }

  children(id: string): string[] {
    return [...this.entry(id).children];
  }

  /** Parents before children; among nodes ready at the same time, the earliest inserted comes first. */
  topologicalSort(): string[] {
    const waiting = new Map([...this.entries].map(([id, e]) => [id, e.parents.size]));
    const ready = this.ids().filter((id) => waiting.get(id) === 0);
    const order: string[] = [];
    while (ready.length > 0) {
      const id = ready.shift() as string;
      order.push(id);
      for (const child of this.entry(id).children) {
        const left = (waiting.get(child) as number) - 1;
        waiting.set(child, left);
        if (left === 0) this.insertByIndex(ready, child);
      }
    }
    return order;
  }

  /**
   * Level 0 holds the nodes without parents; any other node sits one level below its deepest
   * parent, so each level lists nodes that can run together once the levels above are done.
   */
  levels(): string[][] {
    const level = new Map<string, number>();
    for (const id of this.topologicalSort()) {
      const above = this.parents(id).map((p) => level.get(p) as number);
      level.set(id, above.length === 0 ? 0 : 1 + Math.max(...above));
    }
    const levels: string[][] = [];
    for (const id of this.ids()) (levels[level.get(id) as number] ??= []).push(id);
    return levels;
  }

  private entry(id: string): Entry<T> {
    const entry = this.entries.get(id);
    if (!entry) throw new Error(`unknown node "${id}"`);
    return entry;
  }

  /** A path of ids from `from` to `to` following edges, or undefined when `to` is unreachable. */
  private path(from: string, to: string): string[] | undefined {
    const cameFrom = new Map<string, string | undefined>([[from, undefined]]);
    const queue = [from];
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i];
      if (id === to) {
        const path: string[] = [];
        for (let at: string | undefined = id; at !== undefined; at = cameFrom.get(at))
          path.push(at);
        return path.reverse();
      }
      for (const child of this.entry(id).children) {
        if (!cameFrom.has(child)) {
          cameFrom.set(child, id);
          queue.push(child);
        }
      }
    }
    return undefined;
  }

  private insertByIndex(ready: string[], id: string): void {
    const index = this.entry(id).index;
    let at = ready.length;
    while (at > 0 && this.entry(ready[at - 1]).index > index) at--;
    ready.splice(at, 0, id);
  }
}
