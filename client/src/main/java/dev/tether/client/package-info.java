/**
 * The Tether Java client: {@link dev.tether.client.TetherClient} and the types it returns. See the
 * class Javadoc of {@code TetherClient} for a guide.
 */
package dev.tether.client;
