import type { Ontology } from '../ontology/ontology.js';
import type { GraphStore } from '../store/graph-store.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface RequestContext {
  store: GraphStore;
  ontology: Ontology;
  loaders: Loaders;
}

export function createContext(store: GraphStore, ontology: Ontology): RequestContext {
  return { store, ontology, loaders: createLoaders(store) };
}
