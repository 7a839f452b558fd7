import { EchoTag, Output, toValueSync, Value, type Template } from 'liquidjs';

/** The templates nested in a tag (an `if`'s branches, a `for`'s body); none for the others. */
export function childrenOf(template: Template): Template[] {
  return template.children ? toValueSync(template.children(false, true)) : [];
}

/** What an output (`{{ x }}`) or an `echo` prints; undefined for every other template. */
export function printedValue(template: Template): Value | undefined {
  if (!(template instanceof Output || template instanceof EchoTag)) return undefined;
  const [value] = template.arguments();
  return value instanceof Value ? value : undefined;
}
