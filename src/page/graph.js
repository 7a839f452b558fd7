'use strict';

// A flow as a picture: the trigger on top, each action one level below its deepest parent,
// edges with their labels. Used for a flow in the editor and for a run, coloured by state.
// Every name is set as text (textContent), never parsed as markup.
window.flowGraph = (() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const ROOT = 'trigger';
  const NODE_W = 150;
  const NODE_H = 40;
  const GAP_X = 24;
  const GAP_Y = 44;
  const PAD = 12;
  let drawn = 0;

  function svg(tag, attributes = {}, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    node.append(...children);
    return node;
  }

  const shorten = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

  /**
   * Levels by longest path from the trigger. Bounded by the node count, so a flow being edited
   * into a cycle still draws; a node no path reaches sits right below the trigger.
   */
  function levels(ids, edges) {
    const level = new Map([[ROOT, 0]]);
    for (let round = 0; round <= ids.length; round++) {
      let changed = false;
      for (const { from, to } of edges) {
        const next = (level.get(from) ?? -Infinity) + 1;
        if (next > (level.get(to) ?? -1) && next <= ids.length) {
          level.set(to, next);
          changed = true;
        }
      }
      if (!changed) break;
    }
    for (const id of ids) if (!level.has(id)) level.set(id, 1);
    return level;
  }

  /** Rows by level; within a row, nodes near the average place of their parents. */
  function layout(root, nodes, edges) {
    const level = levels(
      nodes.map((n) => n.id),
      edges,
    );
    const rows = [];
    for (const node of [root, ...nodes]) (rows[level.get(node.id)] ??= []).push(node);
    for (let i = 0; i < rows.length; i++) rows[i] ??= [];
    const x = new Map();
    const width = Math.max(...rows.map((row) => row.length)) * (NODE_W + GAP_X) - GAP_X;
    rows.forEach((row, i) => {
      if (i > 0) {
        const place = (node) => {
          const parents = edges.filter((e) => e.to === node.id && x.has(e.from));
          return parents.length
            ? parents.reduce((sum, e) => sum + x.get(e.from), 0) / parents.length
            : Infinity;
        };
        const order = new Map(row.map((node) => [node.id, place(node)]));
        row.sort((a, b) => order.get(a.id) - order.get(b.id));
      }
      const rowWidth = row.length * (NODE_W + GAP_X) - GAP_X;
      row.forEach((node, j) => x.set(node.id, (width - rowWidth) / 2 + j * (NODE_W + GAP_X)));
    });
    const y = (id) => (level.get(id) ?? 0) * (NODE_H + GAP_Y);
    return { rows, x, y, level, width, height: rows.length * (NODE_H + GAP_Y) - GAP_Y };
  }

  function nodeGroup(node, at, levelOf) {
    const classes = [
      'node',
      node.id === ROOT ? 'root' : '',
      node.state ? `state-${node.state}` : '',
    ];
    if (node.problems?.length) classes.push('problem');
    const detail = [node.type, node.state].filter(Boolean).join(' · ');
    const tip = [node.id, detail, ...(node.problems ?? [])].filter(Boolean);
    const group = svg(
      'g',
      {
        class: classes.filter(Boolean).join(' '),
        'data-node': node.id,
        'data-level': String(levelOf),
        transform: `translate(${at.x} ${at.y})`,
      },
      svg('title', {}, tip.join('\n')),
      svg('rect', { width: NODE_W, height: NODE_H, rx: 6 }),
      svg('text', { x: 10, y: 17, class: 'node-id' }, shorten(node.id, 20)),
      svg('text', { x: 10, y: 32, class: 'node-type' }, shorten(detail, 26)),
    );
    if (node.problems?.length) {
      group.append(
        svg('text', { x: NODE_W - 8, y: 17, class: 'node-flag', 'text-anchor': 'end' }, '!'),
      );
    }
    return group;
  }

  function edgePath(edge, place, marker) {
    const from = place(edge.from);
    const to = place(edge.to);
    const x1 = from.x + NODE_W / 2;
    const y1 = from.y + NODE_H;
    const x2 = to.x + NODE_W / 2;
    const y2 = to.y;
    const bend = Math.max(GAP_Y / 2, (y2 - y1) / 2);
    const group = svg(
      'g',
      { class: 'edge', 'data-from': edge.from, 'data-to': edge.to },
      svg('path', {
        d: `M ${x1} ${y1} C ${x1} ${y1 + bend}, ${x2} ${y2 - bend}, ${x2} ${y2}`,
        'marker-end': `url(#${marker})`,
      }),
    );
    if (edge.label) {
      const label = svg(
        'text',
        { x: (x1 + x2) / 2, y: (y1 + y2) / 2 + 4, class: 'edge-label', 'text-anchor': 'middle' },
        edge.label,
      );
      group.append(label);
    }
    return group;
  }

  /**
   * Draws `{ trigger, nodes: [{ id, type, state?, problems? }], edges: [{ from, to, label? }] }`
   * into `container`, `trigger` being the event's name. Edges to unknown nodes are left out;
   * nodes without parents hang off the trigger.
   */
  function draw(container, { trigger, nodes, edges }) {
    const ids = new Set([ROOT, ...nodes.map((n) => n.id)]);
    const known = edges.filter((e) => ids.has(e.from) && ids.has(e.to) && e.from !== e.to);
    const withParent = new Set(known.map((e) => e.to));
    const all = [
      ...known,
      ...nodes.filter((n) => !withParent.has(n.id)).map((n) => ({ from: ROOT, to: n.id })),
    ];
    const root = { id: ROOT, type: trigger };
    const { rows, x, y, level, width, height } = layout(root, nodes, all);
    const place = (id) => ({ x: PAD + x.get(id), y: PAD + y(id) });
    const marker = `arrow-${++drawn}`;
    const picture = svg(
      'svg',
      {
        viewBox: `0 0 ${width + 2 * PAD} ${height + 2 * PAD}`,
        width: width + 2 * PAD,
        height: height + 2 * PAD,
        role: 'img',
      },
      svg(
        'defs',
        {},
        svg(
          'marker',
          {
            id: marker,
            viewBox: '0 0 10 10',
            refX: 10,
            refY: 5,
            markerWidth: 7,
            markerHeight: 7,
            orient: 'auto',
          },
          svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }),
        ),
      ),
      ...all.map((edge) => edgePath(edge, place, marker)),
      ...rows.flat().map((node) => nodeGroup(node, place(node.id), level.get(node.id))),
    );
    container.replaceChildren(picture);
  }

  return { draw };
})();
