// DATNet-P (part share + GRAD), CoNLL-2003 English -> CoNLL-2002 Dutch. Without adversarial training for now.
local common = import 'common.libsonnet';

common.datnet('conll2002_nl', transfer='partial', discriminator='grad')
