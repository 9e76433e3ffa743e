// Reading cards in tests: the buttons a person can press (every Action.Execute except the
// automatic refresh), depth-first.

export function cardButtons(card: any): any[] {
  const found: any[] = [];
  const walk = (node: any): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      if (node.type === 'Action.Execute') found.push(node);
      for (const [key, value] of Object.entries(node)) if (key !== 'refresh') walk(value);
    }
  };
  walk(card);
  return found;
}
