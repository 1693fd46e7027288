import { invalidArgument } from './statusError';

// The real service's rules for topic and subscription ids: start with a letter,
// 3-255 characters from [A-Za-z0-9-._~%+], never starting with "goog".
const RESOURCE_ID = /^[A-Za-z][A-Za-z0-9\-._~%+]{2,254}$/;
// Project ids and numbers, including domain-scoped ids ("example.com:proj").
const PROJECT_ID = /^[A-Za-z0-9][A-Za-z0-9\-.:_]{0,127}$/;

/** The name a deleted topic leaves behind in its subscriptions, as the real service reports it. */
export const DELETED_TOPIC = '_deleted-topic_';

export interface ResourceName {
  readonly project: string;
  readonly id: string;
  readonly name: string;
}

export function isValidResourceId(id: string): boolean {
  return RESOURCE_ID.test(id) && !id.toLowerCase().startsWith('goog');
}

function parse(name: unknown, kind: 'topics' | 'subscriptions', field: string): ResourceName {
  if (typeof name !== 'string' || name === '') {
    throw invalidArgument(`Invalid [${field}] name: (name=${String(name ?? '')}). It must be projects/{project}/${kind}/{id}.`);
  }
  const parts = name.split('/');
  const [p, project, k, id] = parts;
  if (parts.length !== 4 || p !== 'projects' || k !== kind || project === undefined || id === undefined || !PROJECT_ID.test(project) || !isValidResourceId(id)) {
    throw invalidArgument(
      `Invalid [${field}] name: (name=${name}). It must be projects/{project}/${kind}/{id}, where {id} starts with a letter, ` +
        'is 3-255 characters of letters, digits, -._~%+ and does not start with "goog".',
    );
  }
  return { project, id, name };
}

export const parseTopicName = (name: unknown, field = 'topics'): ResourceName => parse(name, 'topics', field);
export const parseSubscriptionName = (name: unknown, field = 'subscriptions'): ResourceName => parse(name, 'subscriptions', field);

/** Validates `projects/{project}` and returns the project id. */
export function parseProjectName(name: unknown): string {
  const parts = typeof name === 'string' ? name.split('/') : [];
  const [p, project] = parts;
  if (parts.length !== 2 || p !== 'projects' || project === undefined || !PROJECT_ID.test(project)) {
    throw invalidArgument(`Invalid [projects] name: (name=${String(name ?? '')}). It must be projects/{project}.`);
  }
  return project;
}
