package io.sockmap4j.processor.model;

import javax.lang.model.element.VariableElement;

/**
 * A map declared by an annotated static field.
 *
 * @param name the field name, which is also the map's name in the object and the Loader
 * @param kind SOCKMAP or SOCKHASH
 * @param key the key type (an int index for SOCKMAP)
 * @param maxEntries the map's max_entries
 * @param field the declaring field, for diagnostics
 */
public record MapDecl(
    String name, MapKind kind, KeyType key, int maxEntries, VariableElement field) {}
