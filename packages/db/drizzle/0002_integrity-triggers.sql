-- Rules that span rows, which CHECK constraints cannot express. Each raises check_violation (23514)
-- naming a constraint, so services map them like any other constraint error.

-- docs/product.md §4 / docs/device-protocol.md §5: at most 5 distinct emoji per member per post (6th → reaction_limit_exceeded).
CREATE FUNCTION enforce_reaction_limit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Serialise inserts for one member and post so two concurrent requests cannot both pass the count.
  PERFORM pg_advisory_xact_lock(hashtextextended('reactions:' || NEW.user_id || ':' || NEW.post_id, 0));
  -- Re-adding an existing emoji stays idempotent: the unique key decides, not the limit.
  IF EXISTS (SELECT 1 FROM reactions WHERE user_id = NEW.user_id AND post_id = NEW.post_id AND emoji = NEW.emoji) THEN
    RETURN NEW;
  END IF;
  IF (SELECT count(*) FROM reactions WHERE user_id = NEW.user_id AND post_id = NEW.post_id) >= 5 THEN
    RAISE EXCEPTION 'at most 5 distinct reactions per member per post'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'reactions_per_member_limit', TABLE = 'reactions';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER reactions_per_member_limit BEFORE INSERT ON reactions
  FOR EACH ROW EXECUTE FUNCTION enforce_reaction_limit();
--> statement-breakpoint

-- docs/product.md §1 comments: a reply sits on its parent's post one level deeper; at most 1000 per post.
CREATE FUNCTION enforce_comment_rules() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  parent_post bigint;
  parent_depth smallint;
BEGIN
  IF NEW.parent_id IS NOT NULL THEN
    SELECT post_id, depth INTO parent_post, parent_depth FROM comments WHERE id = NEW.parent_id;
    -- A missing parent is left to the foreign key, which reports it more precisely.
    IF FOUND AND (parent_post <> NEW.post_id OR parent_depth + 1 <> NEW.depth) THEN
      RAISE EXCEPTION 'a reply must be on its parent''s post, one level deeper'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'comments_parent_consistent', TABLE = 'comments';
    END IF;
  END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM pg_advisory_xact_lock(hashtextextended('comments:' || NEW.post_id, 0));
    IF (SELECT count(*) FROM comments WHERE post_id = NEW.post_id) >= 1000 THEN
      RAISE EXCEPTION 'at most 1000 comments per post'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'comments_per_post_limit', TABLE = 'comments';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER comments_rules BEFORE INSERT OR UPDATE OF post_id, parent_id, depth ON comments
  FOR EACH ROW EXECUTE FUNCTION enforce_comment_rules();
