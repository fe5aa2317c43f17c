package io.sockmap4j.processor.model;

import javax.lang.model.element.VariableElement;

/**
 * A map declared by an annotated static field.
 *
 * @param name the field name, which is also the map's name in the object and the Loader
 * @param kind SOCKMAP, SOCKHASH, or one of the state maps
 * @param key the key type (an int index for SOCKMAP and the arrays)
 * @param maxEntries the map's max_entries
 * @param field the declaring field, for diagnostics
 * @param value the value type of a state map; null for the socket maps, whose values are sockets
 */
public record MapDecl(
    String name, MapKind kind, KeyType key, int maxEntries, VariableElement field, KeyType value) {

  /** A socket map: no value type. */
  public MapDecl(String name, MapKind kind, KeyType key, int maxEntries, VariableElement field) {
    this(name, kind, key, maxEntries, field, null);
  }

  /** The map's value_size: the value type's, or 8 for socket maps (the cookie). */
  public int valueSize() {
    return value != null ? value.size() : kind.valueSize();
  }
}
