"""Outside channels (湘就业, 株洲市政府人才网, 就业超市, 这“醴”找工作) and their sync state."""
