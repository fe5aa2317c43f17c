package io.sockmap4j.runtime;

/** An empty class that tests copy into a directory to anchor resource lookups there. */
final class ResourceAnchor {

  private ResourceAnchor() {}
}
