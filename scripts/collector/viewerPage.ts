export const VIEWER_HTML = '<!doctype html><title>traces</title>';
