"""The blob store's housekeeping: blobs no row references (an upload's process died between
publishing its bytes and committing its row) are found and deleted by `comptoir blobs sweep`."""
