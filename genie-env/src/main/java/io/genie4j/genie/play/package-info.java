/**
 * Playing environments by hand: {@link io.genie4j.genie.play.PlaySession}, what one browser tab's
 * key presses do to a real game, a generated world or both side by side, with recording; {@link
 * io.genie4j.genie.play.PlaySessions}, the open sessions of a server with their idle timeout; and
 * {@link io.genie4j.genie.play.ActionLegend}, what each latent action of a world model tends to do.
 * No web server lives here: {@code genie4j play} wires these to one.
 */
package io.genie4j.genie.play;
